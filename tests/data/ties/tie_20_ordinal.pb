META
key;value
description;tie-breaking fixture 20
country;Nowhere
unit;Fixture
instance;20
num_projects;12
num_votes;20
budget;2700
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
1;300;Project 1
2;500;Project 2
3;100;Project 3
4;300;Project 4
5;300;Project 5
6;500;Project 6
7;500;Project 7
8;500;Project 8
9;500;Project 9
10;500;Project 10
11;300;Project 11
12;500;Project 12
VOTES
voter_id;vote
v1;5,2,10,8
v2;1,5
v3;11,6,8
v4;7,5
v5;11,6,8,4
v6;6,12
v7;5,4,8,6
v8;5,1
v9;4,1,9
v10;2,10
v11;10,6
v12;7,6
v13;9,7,5
v14;8,9,1
v15;5,1,2,8
v16;4,8,1
v17;5,4,8,2
v18;6,5,8
v19;4,8,7
v20;7,11,4,1
