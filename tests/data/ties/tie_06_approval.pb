META
key;value
description;tie-breaking fixture 6
country;Nowhere
unit;Fixture
instance;6
num_projects;12
num_votes;20
budget;1700
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;200;Project 1
2;200;Project 2
3;500;Project 3
4;300;Project 4
5;500;Project 5
6;200;Project 6
7;200;Project 7
8;200;Project 8
9;300;Project 9
10;200;Project 10
11;200;Project 11
12;300;Project 12
VOTES
voter_id;vote
v1;11,4,5
v2;4,3
v3;2,8
v4;1,4,8
v5;4,10,12
v6;4
v7;12
v8;11,10
v9;10,6,12
v10;3
v11;10,12,4,2
v12;10,9
v13;7
v14;8,4,2
v15;9,4
v16;7
v17;11,3,1,8
v18;6,10,7
v19;11
v20;4,10,11
