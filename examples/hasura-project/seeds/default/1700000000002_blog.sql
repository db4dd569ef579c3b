-- Sample data for local development (`hasura seed apply`); never applied by deployments.
INSERT INTO public.authors (id, name, bio) VALUES
  ('00000000-0000-0000-0000-000000000001', 'Ada', 'Writes about engines.');
INSERT INTO public.posts (author_id, title, body, published) VALUES
  ('00000000-0000-0000-0000-000000000001', 'Hello, Hasura', 'The first post.', true);
