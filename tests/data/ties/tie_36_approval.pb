META
key;value
description;tie-breaking fixture 36
country;Nowhere
unit;Fixture
instance;36
num_projects;12
num_votes;20
budget;1400
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;100;Project 1
2;300;Project 2
3;100;Project 3
4;300;Project 4
5;300;Project 5
6;300;Project 6
7;300;Project 7
8;200;Project 8
9;300;Project 9
10;100;Project 10
11;300;Project 11
12;200;Project 12
VOTES
voter_id;vote
v1;3
v2;8,6
v3;3,6,4
v4;5,7
v5;8,6
v6;11
v7;7,2,11
v8;8,7,9,11
v9;9,7,5,1
v10;4,11,7
v11;7
v12;10,5,12,8
v13;11,8,12
v14;8,7
v15;8
v16;1
v17;4,10,11
v18;7,9,5,12
v19;9
v20;9,7,5,8
