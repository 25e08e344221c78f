META
key;value
description;tie-breaking fixture 22
country;Nowhere
unit;Fixture
instance;22
num_projects;12
num_votes;20
budget;1100
vote_type;cumulative
rule;greedy
max_sum_points;10
PROJECTS
project_id;cost;name
1;100;Project 1
2;100;Project 2
3;200;Project 3
4;200;Project 4
5;100;Project 5
6;200;Project 6
7;200;Project 7
8;200;Project 8
9;200;Project 9
10;200;Project 10
11;200;Project 11
12;100;Project 12
VOTES
voter_id;vote;points
v1;10,3,6;2,2,1
v2;9,2,10;1,2,2
v3;6,2,3;1,1,3
v4;3,4;2,3
v5;10;5
v6;5,6;3,2
v7;11,9;2,3
v8;9;5
v9;11,6;2,3
v10;6,1;4,1
v11;2,5,9;2,1,2
v12;12,1;2,3
v13;3;5
v14;10,11;1,4
v15;4,7,1;1,3,1
v16;5,11,1;1,2,2
v17;10,8,3;3,1,1
v18;6,7,10;1,2,2
v19;7,10,4;2,2,1
v20;1;5
