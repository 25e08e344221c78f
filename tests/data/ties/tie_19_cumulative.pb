META
key;value
description;tie-breaking fixture 19
country;Nowhere
unit;Fixture
instance;19
num_projects;12
num_votes;20
budget;1000
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
p1;500;Project p1
p2;500;Project p2
p3;100;Project p3
p4;100;Project p4
p5;500;Project p5
p6;500;Project p6
p7;100;Project p7
p8;100;Project p8
p9;300;Project p9
p10;100;Project p10
p11;100;Project p11
p12;300;Project p12
VOTES
voter_id;vote;points
v1;p5,p6;5,5
v2;p1,p2;5,5
v3;p10,p11,p8;2,2,1
v4;p9,p5,p6;3,2,2
v5;p7,p8,p10;2,2,1
v6;p10,p11;2,3
v7;p10,p11;3,2
v8;p12,p8,p3,p4;1,2,2,2
v9;p9,p5,p6;2,3,3
v10;p11,p5,p6;1,4,4
v11;p11;5
v12;p10,p11,p5,p6;3,1,1,1
v13;p12,p11;1,4
v14;p12,p11,p10;2,1,2
v15;p3,p11,p4;1,4,1
v16;p11;5
v17;p12;5
v18;p5,p6;5,5
v19;p11,p9;4,1
v20;p10,p12;2,3
