META
key;value
description;tie-breaking fixture 13
country;Nowhere
unit;Fixture
instance;13
num_projects;12
num_votes;20
budget;1400
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
p1;300;Project p1
p2;300;Project p2
p3;200;Project p3
p4;200;Project p4
p5;200;Project p5
p6;200;Project p6
p7;500;Project p7
p8;500;Project p8
p9;500;Project p9
p10;300;Project p10
p11;500;Project p11
p12;200;Project p12
VOTES
voter_id;vote;points
v1;p12,p1,p2;3,2,2
v2;p10,p11,p8;2,1,2
v3;p7,p10;4,1
v4;p1,p2;5,5
v5;p9,p11,p1,p2;2,2,1,1
v6;p12,p11;1,4
v7;p3,p9,p11,p4;2,1,2,2
v8;p9,p11,p1,p2;1,2,2,2
v9;p1,p7,p9,p2;2,2,1,2
v10;p5,p7,p11,p6;2,2,1,2
v11;p5,p6;5,5
v12;p12,p1,p2;3,2,2
v13;p9;5
v14;p12,p7;2,3
v15;p9,p12;2,3
v16;p7,p1,p3,p2,p4;1,2,2,2,2
v17;p8;5
v18;p12,p10;2,3
v19;p1,p10,p5,p2,p6;1,2,2,1,2
v20;p12,p11,p9;1,2,2
