META
key;value
description;tie-breaking fixture 0
country;Nowhere
unit;Fixture
instance;0
num_projects;12
num_votes;20
budget;1200
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;200;Project 1
2;200;Project 2
3;200;Project 3
4;200;Project 4
5;100;Project 5
6;200;Project 6
7;200;Project 7
8;100;Project 8
9;200;Project 9
10;200;Project 10
11;100;Project 11
12;200;Project 12
VOTES
voter_id;vote
v1;7,8
v2;4,3,11,5
v3;6
v4;2,4,6
v5;1
v6;5,6
v7;12,1
v8;12,3,9,10
v9;11,7,10,5
v10;1,9
v11;6,12,5,3
v12;7,2,3,8
v13;11,10
v14;7,5,8
v15;1,5
v16;6,7,2
v17;10
v18;7,1,12
v19;3
v20;5,7,12,9
