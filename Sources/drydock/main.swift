import RegistryStorage
print("drydock")
