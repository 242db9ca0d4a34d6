"""What a phrase means (the same values in every language module and in bot/parse)."""

OWN, LENT, READ, UNREAD = "own", "lent", "read", "unread"
READING_NOW, LENT_NOW, UNREAD_ALL, HOW_MANY = "reading_now", "lent_now", "unread_all", "how_many"
BY_AUTHOR = "by_author"  # "books by Terry Pratchett": the library's books by that author
FINISHED, STARTED, LENT_OUT, RETURNED = "finished", "started", "lent", "returned"
RATED, SHELVED, PROGRESS, BOUGHT = "rated", "shelved", "progress", "bought"
ABANDONED, DELETED = "abandoned", "deleted"
