META
key;value
description;tie-breaking fixture 15
country;Nowhere
unit;Fixture
instance;15
num_projects;12
num_votes;20
budget;2200
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
p1;200;Project p1
p2;200;Project p2
p3;500;Project p3
p4;500;Project p4
p5;300;Project p5
p6;300;Project p6
p7;300;Project p7
p8;200;Project p8
p9;500;Project p9
p10;500;Project p10
p11;500;Project p11
p12;200;Project p12
VOTES
voter_id;vote
v1;p7,p3,p10,p4
v2;p7,p1,p2
v3;p9,p5,p7,p3,p6,p4
v4;p3,p10,p5,p4,p6
v5;p5,p7,p10,p9,p6
v6;p9,p7,p12,p8
v7;p7,p11
v8;p5,p6
v9;p7,p5,p6
v10;p1,p8,p12,p2
v11;p1,p10,p2
v12;p1,p7,p2
v13;p1,p2
v14;p3,p10,p4
v15;p12,p7,p11,p1,p2
v16;p5,p10,p7,p6
v17;p9,p5,p12,p6
v18;p9
v19;p9
v20;p12,p1,p11,p2
