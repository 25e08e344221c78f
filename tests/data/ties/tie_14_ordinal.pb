META
key;value
description;tie-breaking fixture 14
country;Nowhere
unit;Fixture
instance;14
num_projects;12
num_votes;20
budget;2300
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
1;300;Project 1
2;200;Project 2
3;500;Project 3
4;300;Project 4
5;500;Project 5
6;500;Project 6
7;300;Project 7
8;300;Project 8
9;300;Project 9
10;500;Project 10
11;200;Project 11
12;300;Project 12
VOTES
voter_id;vote
v1;10,3,6
v2;7,1,12
v3;7,10
v4;3,6,12,9
v5;1,8,9
v6;6,1,4,12
v7;4,10,6
v8;10,5
v9;9,12,4,11
v10;9,1
v11;3,2
v12;10,5,3
v13;6,7
v14;10,2
v15;5,2,12,10
v16;11,8
v17;12,10,7
v18;2,3
v19;11,8
v20;11,7,6,10
