META
key;value
description;tie-breaking fixture 3
country;Nowhere
unit;Fixture
instance;3
num_projects;12
num_votes;20
budget;1500
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
p1;500;Project p1
p2;500;Project p2
p3;500;Project p3
p4;500;Project p4
p5;500;Project p5
p6;500;Project p6
p7;800;Project p7
p8;800;Project p8
p9;100;Project p9
p10;100;Project p10
p11;300;Project p11
p12;100;Project p12
VOTES
voter_id;vote
v1;p11,p12,p8
v2;p12
v3;p9,p10,p8
v4;p9
v5;p8
v6;p8,p7
v7;p12,p8
v8;p11,p8,p12
v9;p12,p3,p8,p11,p4
v10;p8,p3,p4
v11;p1,p2
v12;p5,p6
v13;p5,p6
v14;p12,p10,p7
v15;p8,p9
v16;p12
v17;p8,p1,p7,p2
v18;p8,p9,p11,p12
v19;p9,p12,p8
v20;p1,p2
