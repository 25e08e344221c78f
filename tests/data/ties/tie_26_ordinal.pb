META
key;value
description;tie-breaking fixture 26
country;Nowhere
unit;Fixture
instance;26
num_projects;12
num_votes;20
budget;1600
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
1;300;Project 1
2;500;Project 2
3;500;Project 3
4;300;Project 4
5;100;Project 5
6;500;Project 6
7;300;Project 7
8;300;Project 8
9;100;Project 9
10;100;Project 10
11;500;Project 11
12;300;Project 12
VOTES
voter_id;vote
v1;6,1,10
v2;7,10,6,4
v3;10,5
v4;2,1,3
v5;8,7
v6;3,2
v7;7,10
v8;12,2
v9;6,9,2,1
v10;6,3,9,2
v11;2,8,3
v12;4,6
v13;5,7,11
v14;12,11,3
v15;7,11,3
v16;3,8,12
v17;2,7,5,9
v18;9,1
v19;2,1,5
v20;3,12
