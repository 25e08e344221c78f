META
key;value
description;tie-breaking fixture 8
country;Nowhere
unit;Fixture
instance;8
num_projects;12
num_votes;20
budget;600
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
1;100;Project 1
2;200;Project 2
3;200;Project 3
4;200;Project 4
5;100;Project 5
6;200;Project 6
7;200;Project 7
8;200;Project 8
9;200;Project 9
10;200;Project 10
11;200;Project 11
12;200;Project 12
VOTES
voter_id;vote
v1;9,10,6
v2;1,4,10
v3;9,5,12,10
v4;11,6,8
v5;10,1,7
v6;8,10,1,12
v7;2,7
v8;6,12,7
v9;3,5
v10;6,10,4
v11;5,3
v12;3,1,5
v13;3,6,2,9
v14;8,6
v15;4,10,11,1
v16;6,3,9
v17;10,11,3,1
v18;7,6
v19;9,11,6
v20;2,8,7
