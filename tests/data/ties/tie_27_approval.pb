META
key;value
description;tie-breaking fixture 27
country;Nowhere
unit;Fixture
instance;27
num_projects;12
num_votes;20
budget;1400
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
p1;300;Project p1
p2;300;Project p2
p3;200;Project p3
p4;200;Project p4
p5;300;Project p5
p6;300;Project p6
p7;500;Project p7
p8;200;Project p8
p9;500;Project p9
p10;500;Project p10
p11;500;Project p11
p12;300;Project p12
VOTES
voter_id;vote
v1;p9,p3,p4
v2;p11,p3,p1,p4,p2
v3;p1,p5,p11,p2,p6
v4;p3,p9,p12,p11,p4
v5;p8,p10,p12,p11
v6;p5,p3,p11,p6,p4
v7;p3,p10,p11,p1,p4,p2
v8;p3,p4
v9;p10,p11
v10;p1,p8,p11,p2
v11;p5,p11,p8,p10,p6
v12;p7,p3,p8,p4
v13;p10,p8,p3,p1,p4,p2
v14;p10
v15;p7,p12,p3,p1,p4,p2
v16;p9
v17;p8,p11
v18;p3,p4
v19;p8,p11
v20;p5,p6
