META
key;value
description;tie-breaking fixture 44
country;Nowhere
unit;Fixture
instance;44
num_projects;12
num_votes;20
budget;400
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
1;100;Project 1
2;100;Project 2
3;100;Project 3
4;100;Project 4
5;200;Project 5
6;200;Project 6
7;100;Project 7
8;200;Project 8
9;100;Project 9
10;200;Project 10
11;100;Project 11
12;200;Project 12
VOTES
voter_id;vote
v1;1,8,3,4
v2;3,1
v3;3,4
v4;4,3
v5;4,12,8
v6;3,2
v7;8,3,4,10
v8;1,7,4
v9;3,2
v10;12,1,4
v11;10,3
v12;4,3,5,6
v13;8,9,3,1
v14;8,2,6
v15;8,9,1,3
v16;4,1
v17;10,11,8
v18;7,2,3,11
v19;4,9
v20;7,10
