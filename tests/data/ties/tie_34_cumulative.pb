META
key;value
description;tie-breaking fixture 34
country;Nowhere
unit;Fixture
instance;34
num_projects;12
num_votes;20
budget;700
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
1;200;Project 1
2;100;Project 2
3;200;Project 3
4;100;Project 4
5;100;Project 5
6;200;Project 6
7;100;Project 7
8;100;Project 8
9;200;Project 9
10;100;Project 10
11;200;Project 11
12;100;Project 12
VOTES
voter_id;vote;points
v1;4;5
v2;1;5
v3;11,7,12;1,3,1
v4;11,4;3,2
v5;12;5
v6;11,7;3,2
v7;2,4,12;2,2,1
v8;12;5
v9;9,2;3,2
v10;12;5
v11;2,6;3,2
v12;2;5
v13;7;5
v14;6;5
v15;11,1,6;2,2,1
v16;2,12,8;2,2,1
v17;8,5;3,2
v18;12,6;3,2
v19;7,1;3,2
v20;12,9,3;1,3,1
