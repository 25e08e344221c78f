META
key;value
description;tie-breaking fixture 40
country;Nowhere
unit;Fixture
instance;40
num_projects;12
num_votes;20
budget;1400
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
1;100;Project 1
2;200;Project 2
3;200;Project 3
4;300;Project 4
5;300;Project 5
6;200;Project 6
7;200;Project 7
8;100;Project 8
9;100;Project 9
10;300;Project 10
11;300;Project 11
12;100;Project 12
VOTES
voter_id;vote;points
v1;8,7,5;2,2,1
v2;5;5
v3;7,8;1,4
v4;5;5
v5;3;5
v6;3,2,9;2,1,2
v7;8,9;3,2
v8;1;5
v9;3;5
v10;9;5
v11;12,2;3,2
v12;4;5
v13;9;5
v14;6,7;2,3
v15;12;5
v16;4;5
v17;4;5
v18;2,7,4;1,2,2
v19;6;5
v20;5;5
