META
key;value
description;tie-breaking fixture 35
country;Nowhere
unit;Fixture
instance;35
num_projects;12
num_votes;20
budget;1100
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
p1;500;Project p1
p2;300;Project p2
p3;300;Project p3
p4;200;Project p4
p5;200;Project p5
p6;200;Project p6
p7;500;Project p7
p8;200;Project p8
p9;200;Project p9
p10;500;Project p10
p11;300;Project p11
p12;300;Project p12
VOTES
voter_id;vote
v1;p5,p8
v2;p8,p1
v3;p8,p1,p9
v4;p10,p3,p8,p9
v5;p12,p11,p8,p10
v6;p12,p11,p5
v7;p1,p10
v8;p10,p11,p7
v9;p11,p3,p10,p9
v10;p1,p7
v11;p10,p3,p1
v12;p7,p1,p12
v13;p3,p11,p1
v14;p12,p3,p7
v15;p5,p3,p1,p11
v16;p7,p8,p1,p11
v17;p12,p8,p10
v18;p11,p3
v19;p9,p10,p8
v20;p8,p1
