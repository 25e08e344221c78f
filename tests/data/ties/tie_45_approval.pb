META
key;value
description;tie-breaking fixture 45
country;Nowhere
unit;Fixture
instance;45
num_projects;12
num_votes;20
budget;1300
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
p1;300;Project p1
p2;300;Project p2
p3;200;Project p3
p4;200;Project p4
p5;300;Project p5
p6;300;Project p6
p7;300;Project p7
p8;300;Project p8
p9;300;Project p9
p10;300;Project p10
p11;300;Project p11
p12;300;Project p12
VOTES
voter_id;vote
v1;p9,p7
v2;p11,p8,p12
v3;p5,p11,p7,p9,p6
v4;p3,p5,p10,p12,p4,p6
v5;p9,p11
v6;p10
v7;p10,p9
v8;p5,p12,p10,p6
v9;p7,p5,p10,p12,p6
v10;p12,p5,p8,p6
v11;p9,p10,p11
v12;p5,p9,p10,p11,p6
v13;p7,p3,p4
v14;p1,p7,p5,p10,p2,p6
v15;p9,p10,p1,p7,p2
v16;p11
v17;p11,p9
v18;p11,p10,p3,p4
v19;p7,p11,p5,p6
v20;p9
