META
key;value
description;tie-breaking fixture 37
country;Nowhere
unit;Fixture
instance;37
num_projects;12
num_votes;20
budget;2400
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
p1;300;Project p1
p2;300;Project p2
p3;300;Project p3
p4;300;Project p4
p5;800;Project p5
p6;800;Project p6
p7;500;Project p7
p8;300;Project p8
p9;300;Project p9
p10;500;Project p10
p11;100;Project p11
p12;100;Project p12
VOTES
voter_id;vote;points
v1;p1,p8,p2;2,3,2
v2;p9,p3,p4;2,3,3
v3;p9;5
v4;p10,p3,p4;1,4,4
v5;p8,p5,p6;2,3,3
v6;p8;5
v7;p3,p9,p4;2,3,2
v8;p3,p5,p4,p6;2,3,2,3
v9;p1,p7,p3,p2,p4;3,1,1,3,1
v10;p8,p7;2,3
v11;p1,p9,p5,p2,p6;1,2,2,1,2
v12;p1,p10,p3,p2,p4;1,1,3,1,3
v13;p7,p9,p12;1,2,2
v14;p3,p1,p8,p4,p2;2,2,1,2,2
v15;p10,p12;1,4
v16;p3,p9,p5,p4,p6;1,2,2,1,2
v17;p5,p9,p6;3,2,3
v18;p3,p4;5,5
v19;p5,p8,p9,p6;3,1,1,3
v20;p5,p9,p8,p6;2,1,2,2
