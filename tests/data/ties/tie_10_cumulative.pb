META
key;value
description;tie-breaking fixture 10
country;Nowhere
unit;Fixture
instance;10
num_projects;12
num_votes;20
budget;2300
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
1;500;Project 1
2;200;Project 2
3;200;Project 3
4;300;Project 4
5;500;Project 5
6;200;Project 6
7;300;Project 7
8;500;Project 8
9;300;Project 9
10;300;Project 10
11;500;Project 11
12;500;Project 12
VOTES
voter_id;vote;points
v1;11;5
v2;8,9,5;2,2,1
v3;7,9;3,2
v4;8,10;3,2
v5;4;5
v6;4,7,5;1,2,2
v7;8;5
v8;7,11,8;1,1,3
v9;1,3;3,2
v10;2,10,11;1,1,3
v11;5,7;2,3
v12;9;5
v13;11,1;2,3
v14;1;5
v15;10;5
v16;5,8,1;2,1,2
v17;6,2,10;1,2,2
v18;7;5
v19;9;5
v20;4,5,6;1,2,2
