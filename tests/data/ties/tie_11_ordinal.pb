META
key;value
description;tie-breaking fixture 11
country;Nowhere
unit;Fixture
instance;11
num_projects;12
num_votes;20
budget;2000
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
p1;300;Project p1
p2;500;Project p2
p3;500;Project p3
p4;800;Project p4
p5;800;Project p5
p6;800;Project p6
p7;300;Project p7
p8;300;Project p8
p9;300;Project p9
p10;500;Project p10
p11;500;Project p11
p12;800;Project p12
VOTES
voter_id;vote
v1;p3,p7
v2;p8,p1,p5
v3;p11,p12,p1,p8
v4;p3,p7,p8
v5;p9,p12
v6;p12,p7
v7;p8,p5,p3
v8;p11,p10,p3
v9;p12,p10,p9,p7
v10;p1,p10,p12
v11;p9,p3,p12
v12;p12,p3
v13;p12,p8,p3,p11
v14;p12,p8,p7
v15;p10,p5,p12,p3
v16;p12,p10,p5
v17;p1,p11,p12
v18;p8,p11
v19;p12,p5,p3
v20;p7,p8
