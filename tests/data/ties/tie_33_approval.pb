META
key;value
description;tie-breaking fixture 33
country;Nowhere
unit;Fixture
instance;33
num_projects;12
num_votes;20
budget;2300
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
p1;300;Project p1
p2;300;Project p2
p3;500;Project p3
p4;500;Project p4
p5;100;Project p5
p6;100;Project p6
p7;800;Project p7
p8;300;Project p8
p9;500;Project p9
p10;100;Project p10
p11;500;Project p11
p12;800;Project p12
VOTES
voter_id;vote
v1;p1,p9,p8,p12,p2
v2;p5,p10,p6
v3;p9,p5,p1,p6,p2
v4;p11
v5;p11,p7,p9
v6;p9,p10,p12,p11
v7;p5,p12,p6
v8;p11,p7,p5,p9,p6
v9;p12,p5,p7,p6
v10;p10,p5,p12,p6
v11;p9
v12;p12,p5,p7,p6
v13;p5,p6
v14;p12,p5,p6
v15;p7,p9
v16;p9
v17;p9
v18;p7,p5,p10,p3,p6,p4
v19;p3,p5,p4,p6
v20;p12,p8,p5,p6
