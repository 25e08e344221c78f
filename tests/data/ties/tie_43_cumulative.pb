META
key;value
description;tie-breaking fixture 43
country;Nowhere
unit;Fixture
instance;43
num_projects;12
num_votes;20
budget;1400
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
p7;300;Project p7
p8;200;Project p8
p9;100;Project p9
p10;200;Project p10
p11;300;Project p11
p12;200;Project p12
VOTES
voter_id;vote;points
v1;p8,p1,p10,p2;2,1,2,1
v2;p1,p12,p10,p2;2,2,1,2
v3;p7;5
v4;p11,p1,p2;2,3,3
v5;p11,p3,p4;3,2,2
v6;p8,p7,p11;2,2,1
v7;p11;5
v8;p11,p12,p10;2,2,1
v9;p8;5
v10;p10;5
v11;p11;5
v12;p11,p5,p3,p6,p4;1,1,3,1,3
v13;p3,p5,p9,p4,p6;3,1,1,3,1
v14;p10,p1,p2;3,2,2
v15;p11,p3,p10,p4;2,1,2,1
v16;p1,p3,p2,p4;3,2,3,2
v17;p3,p12,p11,p4;2,1,2,2
v18;p10,p12,p1,p2;2,2,1,1
v19;p10,p12;4,1
v20;p3,p4;5,5
