META
key;value
description;tie-breaking fixture 18
country;Nowhere
unit;Fixture
instance;18
num_projects;12
num_votes;20
budget;800
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;300;Project 1
2;300;Project 2
3;200;Project 3
4;200;Project 4
5;100;Project 5
6;100;Project 6
7;300;Project 7
8;300;Project 8
9;200;Project 9
10;200;Project 10
11;100;Project 11
12;200;Project 12
VOTES
voter_id;vote
v1;8
v2;11,8,6
v3;6,11,12
v4;7,8
v5;8,4
v6;6,4,3
v7;2,3
v8;10,4,7
v9;12
v10;4,10,6,8
v11;3,6,4,12
v12;4,8,1
v13;4
v14;4,6,12
v15;2
v16;8
v17;4,1
v18;11,10,5
v19;3,10
v20;1
