"""Money: Currency (points or real money), RealWorldCurrency, and how each language writes them."""
