META
key;value
description;tie-breaking fixture 23
country;Nowhere
unit;Fixture
instance;23
num_projects;12
num_votes;20
budget;1200
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
p1;300;Project p1
p2;100;Project p2
p3;300;Project p3
p4;300;Project p4
p5;100;Project p5
p6;800;Project p6
p7;500;Project p7
p8;300;Project p8
p9;800;Project p9
p10;100;Project p10
p11;500;Project p11
p12;100;Project p12
VOTES
voter_id;vote
v1;p3,p11
v2;p11,p3,p1
v3;p7,p11,p12
v4;p12,p1,p11
v5;p5,p10,p7,p1
v6;p8,p1
v7;p11,p8,p7,p3
v8;p9,p1,p11,p10
v9;p9,p8,p11,p3
v10;p3,p1,p12,p11
v11;p9,p1
v12;p1,p12,p5
v13;p11,p12,p3,p9
v14;p12,p11
v15;p3,p10
v16;p10,p3,p7,p11
v17;p10,p1,p9,p8
v18;p8,p11,p1,p7
v19;p3,p1,p5,p12
v20;p8,p3,p9,p11
