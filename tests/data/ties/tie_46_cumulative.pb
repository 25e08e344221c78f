META
key;value
description;tie-breaking fixture 46
country;Nowhere
unit;Fixture
instance;46
num_projects;12
num_votes;20
budget;1100
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
1;500;Project 1
2;800;Project 2
3;100;Project 3
4;100;Project 4
5;500;Project 5
6;500;Project 6
7;300;Project 7
8;100;Project 8
9;100;Project 9
10;800;Project 10
11;100;Project 11
12;300;Project 12
VOTES
voter_id;vote;points
v1;9,12;3,2
v2;9;5
v3;11,9;2,3
v4;9,12,1;1,2,2
v5;4,12;3,2
v6;12,2;2,3
v7;8,9,5;2,2,1
v8;4,6;3,2
v9;8,9;3,2
v10;12;5
v11;5,11,2;1,2,2
v12;4,2;2,3
v13;4,12;4,1
v14;9;5
v15;11;5
v16;7;5
v17;12,7;2,3
v18;4,12,1;1,1,3
v19;12,11,5;2,2,1
v20;5,2,6;3,1,1
