META
key;value
description;tie-breaking fixture 24
country;Nowhere
unit;Fixture
instance;24
num_projects;12
num_votes;20
budget;900
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;100;Project 1
2;100;Project 2
3;100;Project 3
4;100;Project 4
5;100;Project 5
6;200;Project 6
7;100;Project 7
8;100;Project 8
9;200;Project 9
10;200;Project 10
11;100;Project 11
12;200;Project 12
VOTES
voter_id;vote
v1;2,3
v2;1
v3;9,3,1
v4;12
v5;9
v6;4,6
v7;10
v8;10,2,6,3
v9;8,1
v10;8,12,1
v11;2
v12;5
v13;8,5
v14;5,2,9,10
v15;5,1,2
v16;10,5,2,6
v17;7,6,2
v18;2,6,8
v19;3,8,7,6
v20;1,5,3
