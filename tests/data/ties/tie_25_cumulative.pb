META
key;value
description;tie-breaking fixture 25
country;Nowhere
unit;Fixture
instance;25
num_projects;12
num_votes;20
budget;2800
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
p1;500;Project p1
p2;500;Project p2
p3;300;Project p3
p4;300;Project p4
p5;800;Project p5
p6;800;Project p6
p7;100;Project p7
p8;800;Project p8
p9;800;Project p9
p10;500;Project p10
p11;800;Project p11
p12;500;Project p12
VOTES
voter_id;vote;points
v1;p1,p7,p10,p2;1,2,2,1
v2;p9,p12;4,1
v3;p7;5
v4;p8,p12;3,2
v5;p12,p3,p4;3,2,2
v6;p9,p5,p12,p6;2,2,1,2
v7;p5,p10,p12,p6;2,1,2,2
v8;p9;5
v9;p9;5
v10;p7,p1,p9,p2;1,1,3,1
v11;p1,p12,p9,p2;2,1,2,2
v12;p1,p12,p2;2,3,2
v13;p3,p7,p1,p4,p2;1,2,2,1,2
v14;p12;5
v15;p7,p8,p12;3,1,1
v16;p1,p2;5,5
v17;p9;5
v18;p7,p9,p1,p2;3,1,1,1
v19;p5,p8,p10,p6;2,1,2,2
v20;p3,p8,p4;2,3,2
