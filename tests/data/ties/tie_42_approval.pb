META
key;value
description;tie-breaking fixture 42
country;Nowhere
unit;Fixture
instance;42
num_projects;12
num_votes;20
budget;1400
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;300;Project 1
2;100;Project 2
3;100;Project 3
4;300;Project 4
5;200;Project 5
6;100;Project 6
7;300;Project 7
8;300;Project 8
9;100;Project 9
10;200;Project 10
11;200;Project 11
12;300;Project 12
VOTES
voter_id;vote
v1;9,11,2,10
v2;11,3,6
v3;4,8,11,2
v4;11,10,3
v5;6
v6;5,12,11,1
v7;3,1
v8;5,2,8,6
v9;12
v10;9,11
v11;1,2,4
v12;2,7
v13;9,1,2
v14;9,8,3,11
v15;7,3
v16;5,4,3
v17;4
v18;3,4,11,6
v19;9,2
v20;7,11,10
