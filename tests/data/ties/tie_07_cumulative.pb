META
key;value
description;tie-breaking fixture 7
country;Nowhere
unit;Fixture
instance;7
num_projects;12
num_votes;20
budget;2200
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
p7;300;Project p7
p8;800;Project p8
p9;300;Project p9
p10;100;Project p10
p11;500;Project p11
p12;300;Project p12
VOTES
voter_id;vote;points
v1;p11,p8;3,2
v2;p9;5
v3;p8;5
v4;p11;5
v5;p11;5
v6;p11;5
v7;p10;5
v8;p7,p8;3,2
v9;p11,p3,p4;2,3,3
v10;p11;5
v11;p8,p7;2,3
v12;p11;5
v13;p9;5
v14;p11;5
v15;p8,p7;2,3
v16;p7,p8,p9;2,2,1
v17;p8,p1,p2;2,3,3
v18;p7;5
v19;p11,p9;1,4
v20;p11,p1,p9,p2;1,1,3,1
