META
key;value
description;tie-breaking fixture 39
country;Nowhere
unit;Fixture
instance;39
num_projects;12
num_votes;20
budget;1000
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
p1;300;Project p1
p2;300;Project p2
p3;300;Project p3
p4;300;Project p4
p5;200;Project p5
p6;200;Project p6
p7;200;Project p7
p8;500;Project p8
p9;300;Project p9
p10;300;Project p10
p11;200;Project p11
p12;500;Project p12
VOTES
voter_id;vote
v1;p12,p3,p9,p4
v2;p9
v3;p10
v4;p7,p3,p11,p10,p4
v5;p9,p11
v6;p9,p11,p3,p12,p4
v7;p8,p10,p3,p4
v8;p11,p8,p10,p7
v9;p11,p1,p2
v10;p5,p6
v11;p10,p3,p4
v12;p12,p3,p8,p4
v13;p10,p3,p4
v14;p5,p3,p6,p4
v15;p3,p1,p4,p2
v16;p3,p9,p5,p4,p6
v17;p5,p6
v18;p5,p6
v19;p8,p12,p1,p3,p2,p4
v20;p10,p11
