META
key;value
description;tie-breaking fixture 30
country;Nowhere
unit;Fixture
instance;30
num_projects;12
num_votes;20
budget;700
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;300;Project 1
2;100;Project 2
3;300;Project 3
4;100;Project 4
5;300;Project 5
6;100;Project 6
7;200;Project 7
8;100;Project 8
9;300;Project 9
10;100;Project 10
11;200;Project 11
12;200;Project 12
VOTES
voter_id;vote
v1;6
v2;3,12,5,1
v3;8,6
v4;1,9,8
v5;11,3
v6;7
v7;1,12,3,4
v8;9,3
v9;7,6,5,4
v10;3,6,9,11
v11;4,6,1,12
v12;1
v13;5,6,9,4
v14;6,9
v15;1
v16;6,9
v17;8,1,4
v18;2,8,9,4
v19;12,1,11,2
v20;7,8,2,12
