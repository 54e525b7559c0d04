-- Room caps (issue 18): the rooms a user created in the last hour are counted inside the creating transaction,
-- from this index. One statement; Migrations treats "duplicate key name" on a re-run as already applied.
ALTER TABLE rooms ADD KEY ix_rooms_created_by (created_by, created_at);
