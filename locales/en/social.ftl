# social
