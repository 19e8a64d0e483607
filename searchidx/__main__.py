"""python -m searchidx"""
from .cli import main

if __name__ == "__main__":
    main()
