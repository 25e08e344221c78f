META
key;value
description;tie-breaking fixture 2
country;Nowhere
unit;Fixture
instance;2
num_projects;12
num_votes;20
budget;2100
vote_type;ordinal
rule;greedy
PROJECTS
project_id;cost;name
1;500;Project 1
2;500;Project 2
3;500;Project 3
4;800;Project 4
5;800;Project 5
6;500;Project 6
7;500;Project 7
8;500;Project 8
9;300;Project 9
10;100;Project 10
11;800;Project 11
12;100;Project 12
VOTES
voter_id;vote
v1;8,5
v2;2,11,5
v3;12,4,6,1
v4;1,9,6,4
v5;3,7
v6;1,4
v7;11,3
v8;11,9,2
v9;11,4,6
v10;5,9,4,1
v11;4,10
v12;11,3
v13;5,7
v14;5,9,10,2
v15;1,11
v16;5,3,8,4
v17;3,12,5,11
v18;11,3,5
v19;3,10,2
v20;4,7,1
