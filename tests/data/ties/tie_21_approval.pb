META
key;value
description;tie-breaking fixture 21
country;Nowhere
unit;Fixture
instance;21
num_projects;12
num_votes;20
budget;2600
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
p1;100;Project p1
p2;100;Project p2
p3;800;Project p3
p4;800;Project p4
p5;300;Project p5
p6;300;Project p6
p7;300;Project p7
p8;300;Project p8
p9;500;Project p9
p10;500;Project p10
p11;800;Project p11
p12;100;Project p12
VOTES
voter_id;vote
v1;p7,p3,p8,p5,p4,p6
v2;p12,p9,p3,p4
v3;p5,p8,p6
v4;p12,p11,p9
v5;p9,p5,p7,p10,p6
v6;p12,p10
v7;p12,p9,p10,p5,p6
v8;p9,p5,p3,p11,p6,p4
v9;p3,p9,p10,p5,p4,p6
v10;p11
v11;p3,p4
v12;p12
v13;p5,p9,p12,p6
v14;p8,p9,p11,p1,p2
v15;p9
v16;p3,p1,p9,p4,p2
v17;p3,p12,p11,p4
v18;p11,p5,p3,p7,p6,p4
v19;p9,p5,p11,p6
v20;p5,p6
