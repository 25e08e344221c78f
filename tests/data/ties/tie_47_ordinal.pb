META
key;value
description;tie-breaking fixture 47
country;Nowhere
unit;Fixture
instance;47
num_projects;12
num_votes;20
budget;1100
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
p1;200;Project p1
p2;500;Project p2
p3;500;Project p3
p4;200;Project p4
p5;300;Project p5
p6;500;Project p6
p7;200;Project p7
p8;200;Project p8
p9;200;Project p9
p10;300;Project p10
p11;300;Project p11
p12;500;Project p12
VOTES
voter_id;vote
v1;p11,p12,p9
v2;p11,p9
v3;p9,p11
v4;p7,p1,p8,p5
v5;p10,p11,p8,p1
v6;p1,p3
v7;p12,p10
v8;p1,p12,p11,p8
v9;p10,p7,p1,p3
v10;p10,p9,p11
v11;p7,p3,p8,p10
v12;p12,p3,p10,p9
v13;p10,p7
v14;p7,p11,p1,p8
v15;p8,p7
v16;p11,p1,p10,p8
v17;p3,p8,p5,p12
v18;p12,p8,p9
v19;p10,p1
v20;p8,p11,p1,p12
