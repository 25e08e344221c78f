META
key;value
description;tie-breaking fixture 41
country;Nowhere
unit;Fixture
instance;41
num_projects;12
num_votes;20
budget;2700
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
p1;800;Project p1
p2;100;Project p2
p3;800;Project p3
p4;800;Project p4
p5;100;Project p5
p6;500;Project p6
p7;100;Project p7
p8;800;Project p8
p9;100;Project p9
p10;300;Project p10
p11;100;Project p11
p12;100;Project p12
VOTES
voter_id;vote
v1;p3,p10
v2;p9,p12,p8
v3;p10,p7,p11
v4;p12,p3,p11,p7
v5;p1,p3,p8,p7
v6;p5,p9
v7;p9,p8,p12,p10
v8;p1,p10,p12
v9;p11,p10,p12,p9
v10;p9,p5
v11;p9,p7
v12;p3,p7
v13;p11,p12,p8
v14;p9,p7,p10,p12
v15;p10,p9,p12,p1
v16;p12,p10,p5,p9
v17;p10,p9,p8,p7
v18;p7,p3,p1,p10
v19;p10,p7
v20;p12,p10,p5,p7
