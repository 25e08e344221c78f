META
key;value
description;tie-breaking fixture 5
country;Nowhere
unit;Fixture
instance;5
num_projects;12
num_votes;20
budget;1000
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
p1;100;Project p1
p2;200;Project p2
p3;200;Project p3
p4;100;Project p4
p5;200;Project p5
p6;200;Project p6
p7;200;Project p7
p8;100;Project p8
p9;200;Project p9
p10;200;Project p10
p11;200;Project p11
p12;200;Project p12
VOTES
voter_id;vote
v1;p1,p9,p5,p12
v2;p11,p9,p3,p12
v3;p12,p1
v4;p12,p11
v5;p5,p3,p9
v6;p1,p3
v7;p5,p8,p7,p12
v8;p5,p3
v9;p10,p11,p12,p1
v10;p9,p3,p12,p5
v11;p11,p7,p12
v12;p3,p1
v13;p11,p1
v14;p11,p12,p9,p1
v15;p11,p5
v16;p3,p10,p1
v17;p8,p5,p10,p1
v18;p5,p1,p9
v19;p7,p5
v20;p12,p7,p5,p11
