META
key;value
description;tie-breaking fixture 9
country;Nowhere
unit;Fixture
instance;9
num_projects;12
num_votes;20
budget;600
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
p1;100;Project p1
p2;100;Project p2
p3;200;Project p3
p4;200;Project p4
p5;100;Project p5
p6;100;Project p6
p7;200;Project p7
p8;300;Project p8
p9;100;Project p9
p10;200;Project p10
p11;100;Project p11
p12;200;Project p12
VOTES
voter_id;vote
v1;p5,p7,p6
v2;p5,p3,p6,p4
v3;p9,p12,p5,p3,p6,p4
v4;p5,p7,p3,p6,p4
v5;p10,p11
v6;p5,p6
v7;p10,p7
v8;p7
v9;p7,p5,p8,p10,p6
v10;p11,p5,p8,p1,p6,p2
v11;p10
v12;p11,p12,p9,p7
v13;p3,p11,p12,p5,p4,p6
v14;p7
v15;p1,p5,p3,p11,p2,p6,p4
v16;p5,p12,p6
v17;p9
v18;p7,p12
v19;p12,p7,p5,p6
v20;p10,p3,p5,p4,p6
