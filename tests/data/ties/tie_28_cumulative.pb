META
key;value
description;tie-breaking fixture 28
country;Nowhere
unit;Fixture
instance;28
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
5;200;Project 5
6;100;Project 6
7;100;Project 7
8;200;Project 8
9;200;Project 9
10;200;Project 10
11;100;Project 11
12;100;Project 12
VOTES
voter_id;vote;points
v1;5,4,7;1,1,3
v2;6,4;3,2
v3;10;5
v4;1,6;2,3
v5;11;5
v6;11,9,12;1,2,2
v7;11,7,4;1,3,1
v8;6,4,12;1,2,2
v9;12,9,7;3,1,1
v10;4,11;3,2
v11;4,2;2,3
v12;12;5
v13;10,4,8;2,1,2
v14;4;5
v15;3,8;2,3
v16;6,1;2,3
v17;1,7,4;1,1,3
v18;12;5
v19;6,8;2,3
v20;12,2;3,2
