META
key;value
description;tie-breaking fixture 4
country;Nowhere
unit;Fixture
instance;4
num_projects;12
num_votes;20
budget;1300
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
1;200;Project 1
2;200;Project 2
3;100;Project 3
4;300;Project 4
5;200;Project 5
6;300;Project 6
7;300;Project 7
8;300;Project 8
9;200;Project 9
10;200;Project 10
11;100;Project 11
12;200;Project 12
VOTES
voter_id;vote;points
v1;10,4,8;1,1,3
v2;9,5,2;1,1,3
v3;4,11;3,2
v4;4,6,10;3,1,1
v5;9,4;3,2
v6;11;5
v7;11,4;3,2
v8;10,3,1;1,2,2
v9;10,9,6;1,3,1
v10;10,9;4,1
v11;1,8,10;1,3,1
v12;5;5
v13;11;5
v14;9;5
v15;9,10;2,3
v16;10;5
v17;5,11;4,1
v18;11,7;2,3
v19;7;5
v20;8;5
