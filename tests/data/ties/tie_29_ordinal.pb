META
key;value
description;tie-breaking fixture 29
country;Nowhere
unit;Fixture
instance;29
num_projects;12
num_votes;20
budget;1000
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
p1;500;Project p1
p2;300;Project p2
p3;200;Project p3
p4;500;Project p4
p5;300;Project p5
p6;300;Project p6
p7;200;Project p7
p8;200;Project p8
p9;300;Project p9
p10;500;Project p10
p11;300;Project p11
p12;200;Project p12
VOTES
voter_id;vote
v1;p8,p11,p5,p3
v2;p12,p1
v3;p5,p8,p3
v4;p11,p3,p7,p9
v5;p10,p11,p8
v6;p11,p9
v7;p3,p5,p10,p9
v8;p11,p3,p7,p10
v9;p7,p9,p8,p5
v10;p9,p8
v11;p3,p5,p8,p9
v12;p7,p9,p11,p8
v13;p10,p7
v14;p11,p8
v15;p11,p1,p9
v16;p9,p1
v17;p12,p11,p10
v18;p3,p11,p5
v19;p1,p9,p11
v20;p3,p7
