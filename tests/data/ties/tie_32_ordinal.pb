META
key;value
description;tie-breaking fixture 32
country;Nowhere
unit;Fixture
instance;32
num_projects;12
num_votes;20
budget;1200
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
1;200;Project 1
2;100;Project 2
3;300;Project 3
4;300;Project 4
5;300;Project 5
6;100;Project 6
7;300;Project 7
8;100;Project 8
9;100;Project 9
10;200;Project 10
11;300;Project 11
12;100;Project 12
VOTES
voter_id;vote
v1;7,2
v2;5,1,8,3
v3;4,1,6,5
v4;3,5,8,6
v5;1,9
v6;10,3,7,1
v7;8,1,12
v8;5,6,1
v9;9,12,10
v10;1,12,6
v11;5,2,9
v12;4,10,12,7
v13;1,12,2
v14;4,5,3,12
v15;8,7,3,5
v16;2,3
v17;5,9,6,12
v18;5,2,12
v19;4,5,3,9
v20;9,6
