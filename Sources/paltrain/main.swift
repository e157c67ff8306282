print("paltrain")
