META
key;value
description;tie-breaking fixture 12
country;Nowhere
unit;Fixture
instance;12
num_projects;12
num_votes;20
budget;1000
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;300;Project 1
2;200;Project 2
3;200;Project 3
4;300;Project 4
5;100;Project 5
6;200;Project 6
7;100;Project 7
8;300;Project 8
9;200;Project 9
10;100;Project 10
11;100;Project 11
12;100;Project 12
VOTES
voter_id;vote
v1;11,3
v2;4,10
v3;7,10,3
v4;6
v5;10,1,5,11
v6;4,11,8
v7;1,10,12,5
v8;9
v9;5,2,3,10
v10;10,4,1
v11;11,3
v12;10,5
v13;3,5,1
v14;11
v15;10,8,6,4
v16;4,7
v17;3
v18;5,7,2,6
v19;9,10,6,3
v20;12,4
