META
key;value
description;tie-breaking fixture 17
country;Nowhere
unit;Fixture
instance;17
num_projects;12
num_votes;20
budget;800
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
p1;100;Project p1
p2;100;Project p2
p3;100;Project p3
p4;200;Project p4
p5;100;Project p5
p6;200;Project p6
p7;200;Project p7
p8;100;Project p8
p9;200;Project p9
p10;100;Project p10
p11;100;Project p11
p12;200;Project p12
VOTES
voter_id;vote
v1;p5,p8
v2;p5,p12
v3;p8,p1
v4;p5,p9,p7
v5;p3,p12,p10,p11
v6;p11,p1
v7;p9,p8,p7,p10
v8;p9,p10,p5
v9;p3,p12,p9
v10;p12,p10,p5,p1
v11;p1,p10,p7
v12;p12,p5
v13;p1,p3,p9
v14;p5,p10,p12
v15;p5,p9,p7,p12
v16;p11,p9
v17;p3,p5,p7
v18;p8,p5,p7
v19;p10,p11
v20;p7,p12
