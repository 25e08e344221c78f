META
key;value
description;tie-breaking fixture 38
country;Nowhere
unit;Fixture
instance;38
num_projects;12
num_votes;20
budget;1700
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
1;300;Project 1
2;200;Project 2
3;200;Project 3
4;200;Project 4
5;200;Project 5
6;200;Project 6
7;500;Project 7
8;300;Project 8
9;300;Project 9
10;500;Project 10
11;500;Project 11
12;500;Project 12
VOTES
voter_id;vote
v1;8,7
v2;8,7,3,11
v3;6,8,3
v4;3,12
v5;4,1
v6;8,10
v7;7,8,11
v8;3,6,10,1
v9;8,6,2
v10;6,10,9
v11;11,10
v12;10,5,3,8
v13;4,3,9
v14;5,9,11
v15;8,3,10,11
v16;1,8,4
v17;5,8,10
v18;7,5,12
v19;2,3
v20;6,2,12
