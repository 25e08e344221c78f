META
key;value
description;tie-breaking fixture 16
country;Nowhere
unit;Fixture
instance;16
num_projects;12
num_votes;20
budget;1000
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
1;200;Project 1
2;100;Project 2
3;300;Project 3
4;300;Project 4
5;100;Project 5
6;300;Project 6
7;300;Project 7
8;100;Project 8
9;100;Project 9
10;100;Project 10
11;100;Project 11
12;300;Project 12
VOTES
voter_id;vote;points
v1;4;5
v2;1,3,2;2,2,1
v3;6;5
v4;1,3;3,2
v5;12;5
v6;8,1;3,2
v7;12,4;3,2
v8;8,9,1;2,1,2
v9;1,6,11;2,2,1
v10;11,6;3,2
v11;9,5,11;3,1,1
v12;4,1,9;2,1,2
v13;12,4,1;1,1,3
v14;10,9;2,3
v15;9,1,11;2,2,1
v16;9,5;3,2
v17;2;5
v18;6,5;3,2
v19;8,1;2,3
v20;7;5
