META
key;value
description;tie-breaking fixture 31
country;Nowhere
unit;Fixture
instance;31
num_projects;12
num_votes;20
budget;1600
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
p1;100;Project p1
p2;100;Project p2
p3;500;Project p3
p4;500;Project p4
p5;500;Project p5
p6;500;Project p6
p7;800;Project p7
p8;800;Project p8
p9;100;Project p9
p10;300;Project p10
p11;300;Project p11
p12;500;Project p12
VOTES
voter_id;vote;points
v1;p11,p7,p5,p6;1,3,1,1
v2;p1,p2;5,5
v3;p7,p11;1,4
v4;p9;5
v5;p9,p7,p10;2,1,2
v6;p5,p10,p1,p6,p2;1,1,3,1,3
v7;p11;5
v8;p7,p5,p6;2,3,3
v9;p10,p12;3,2
v10;p12,p10;4,1
v11;p11,p9,p8;1,3,1
v12;p12,p1,p11,p2;2,2,1,2
v13;p1,p5,p2,p6;4,1,4,1
v14;p12,p7;4,1
v15;p3,p4;5,5
v16;p5,p9,p11,p6;3,1,1,3
v17;p10;5
v18;p9,p7;3,2
v19;p7,p11,p3,p4;1,3,1,1
v20;p8,p7,p3,p4;1,2,2,2
