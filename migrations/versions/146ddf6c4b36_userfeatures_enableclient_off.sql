-- revision: 146ddf6c4b36
-- down_revision: 108164f6117e
-- message: new users cannot log in to the CTI client until it is enabled

-- Existing users keep their setting; only the default changes.
ALTER TABLE public.userfeatures ALTER COLUMN enableclient SET DEFAULT 0;
