META
key;value
description;tie-breaking fixture 1
country;Nowhere
unit;Fixture
instance;1
num_projects;12
num_votes;20
budget;700
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
p1;200;Project p1
p2;200;Project p2
p3;200;Project p3
p4;200;Project p4
p5;200;Project p5
p6;200;Project p6
p7;200;Project p7
p8;200;Project p8
p9;100;Project p9
p10;200;Project p10
p11;100;Project p11
p12;100;Project p12
VOTES
voter_id;vote;points
v1;p1,p2;5,5
v2;p7;5
v3;p3,p12,p4;3,2,3
v4;p12;5
v5;p10,p3,p4;1,4,4
v6;p12,p7;2,3
v7;p10,p11;2,3
v8;p7;5
v9;p10,p8;2,3
v10;p10;5
v11;p8,p12,p10;2,2,1
v12;p10,p12,p3,p4;1,3,1,1
v13;p12,p10,p3,p4;1,3,1,1
v14;p9,p12;4,1
v15;p10;5
v16;p10;5
v17;p3,p9,p4;3,2,3
v18;p10,p3,p12,p4;2,2,1,2
v19;p10,p3,p4;1,4,4
v20;p12,p11,p9;1,1,3
